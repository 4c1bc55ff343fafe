/**
 * Child process for the crash test: starts saving a profile and is killed
 * (SIGKILL, no cleanup at all) after the new file is written and before it
 * replaces the old one.
 */
import { createProfile, ProfileSettingsSchema } from '../../shared/profiles';
import { ProfileStore } from '../../electron/core/profiles/profile-store';

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: kill-mid-write <data-dir>');
  const store = new ProfileStore(dir, { beforeRename: () => void process.kill(process.pid, 'SIGKILL') });
  await store.load();
  const settings = ProfileSettingsSchema.parse({ name: 'never saved', url: 'mqtts://crash.example' });
  await store.put(createProfile(settings, 'crash'));
}

void main();
