/**
 * Reading files the operator picks: text for PEM, base64 for binary. The bytes
 * go to main once; nothing here keeps them.
 */
export function readText(file: File): Promise<string> {
  return file.text();
}

export async function readBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
