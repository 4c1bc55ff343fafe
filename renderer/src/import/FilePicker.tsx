/**
 * Step one of the import: choosing the bundle. Files (several at once), a
 * folder, or a drop of files, zips and folders onto the zone. Reports what
 * was chosen; reading and inspecting is the wizard's job.
 */
import { useState } from 'react';
import { Field } from '../forms/Field';
import { pickedFromDrop, pickedFromList, type PickedFile } from './bundle-files';

const ACCEPT = '.pem,.crt,.cer,.der,.key,.p12,.pfx,.zip,.txt,application/zip,application/x-pkcs12,application/pkix-cert,application/x-x509-ca-cert,text/plain';

/** `webkitdirectory` is not a React prop: set it on the element itself. */
function folderInput(el: HTMLInputElement | null): void {
  if (el) el.webkitdirectory = true;
}

export function FilePicker({ disabled, onPick }: { disabled: boolean; onPick: (files: PickedFile[] | Promise<PickedFile[]>) => void }) {
  const [over, setOver] = useState(false);

  const fromInput = (input: HTMLInputElement) => {
    const picked = pickedFromList(input.files);
    input.value = ''; // picking the same file again must fire `change` again
    if (picked.length) onPick(picked);
  };

  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      data-testid="import-dropzone"
      onDragEnter={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = disabled ? 'none' : 'copy';
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        e.stopPropagation();
        setOver(false);
        if (!disabled) onPick(pickedFromDrop(e.dataTransfer));
      }}
    >
      <p className="dropzone-text">Drop certificates, keys, a .p12/.pfx, a .zip or a whole folder here, or choose them:</p>
      <div className="row">
        <Field label="Files" hint="PEM, DER, keys, PKCS#12, zip">
          <input type="file" multiple accept={ACCEPT} disabled={disabled} onChange={(e) => fromInput(e.currentTarget)} data-testid="import-files" />
        </Field>
        <Field label="A folder" hint="Everything in it, subfolders included">
          <input type="file" ref={folderInput} disabled={disabled} onChange={(e) => fromInput(e.currentTarget)} data-testid="import-folder" />
        </Field>
      </div>
    </div>
  );
}
