/**
 * A saved profile's settings as `profiles.save` takes them: the profile
 * without its id and the secret bookkeeping main maintains.
 */
import type { Profile, ProfileSettingsInput } from '../../../shared/profiles';

export function settingsOf(profile: Profile): ProfileSettingsInput {
  const { id: _id, secrets: _secrets, pendingSecrets: _pending, ...settings } = profile;
  return settings;
}
