/**
 * The `app.*` channel: what a window needs to know about the app before it
 * shows anything (version, transport, whether the keychain works, what went
 * wrong loading the saved connections).
 */
import type { AppInfo } from '../../../shared/contract';
import type { Handlers } from '../ipc/dispatcher';
import type { ProfileStore } from '../profiles/profile-store';
import type { SecretStore } from '../secrets/secret-store';

export interface AppHandlerDeps {
  version: string;
  transport: AppInfo['transport'];
  secrets: Pick<SecretStore, 'status'>;
  profiles: Pick<ProfileStore, 'notice'>;
}

export function appHandlers({ version, transport, secrets, profiles }: AppHandlerDeps) {
  return {
    'app.info': async () => ({
      name: 'MQTTS Dashboard',
      version,
      transport,
      keychain: await secrets.status(),
      profilesNotice: profiles.notice,
    }),
  } satisfies Pick<Handlers, 'app.info'>;
}
