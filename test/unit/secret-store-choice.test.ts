/**
 * Which store holds secrets: the OS keychain whenever one answers (a refusal
 * stays an error), memory for the session only when none exists (the choice
 * itself, against real keyrings, is in test/integration/session-keychain).
 * The messages below are what keytar 7.9 reports, word for word: the D-Bus and
 * Secret Service ones captured on Debian 12 (libsecret, GDBus) in each
 * situation named; the module-loading ones are Node's loader texts (dlopen,
 * NODE_MODULE_VERSION); the macOS and Windows ones are the OS's own texts for
 * those status codes (SecCopyErrorMessageString, FormatMessage), which is what
 * keytar passes on.
 */
import { describe, expect, it } from 'vitest';
import { classifyKeychainError } from '../../electron/core/secrets/open-store';
import { SecretStore } from '../../electron/core/secrets/secret-store';
import { sessionKeychain } from '../../electron/core/secrets/session-keychain';

const ABSENT: Array<[NodeJS.Platform, string, string]> = [
  ['linux', 'no session bus, no display (a server over ssh, CI)', 'Cannot autolaunch D-Bus without X11 $DISPLAY'],
  ['linux', 'DISPLAY set but no bus and no dbus-launch', 'Failed to execute child process “dbus-launch” (No such file or directory)'],
  ['linux', 'DBUS_SESSION_BUS_ADDRESS names a bus that is gone', 'Could not connect: No such file or directory'],
  ['linux', 'a bus with no Secret Service provider (get, set, delete)', 'The name org.freedesktop.secrets was not provided by any .service files'],
  ['linux', 'a bus with no Secret Service provider (find)', 'GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files'],
  ['linux', 'libsecret not installed: keytar cannot load', 'libsecret-1.so.0: cannot open shared object file: No such file or directory'],
  ['darwin', 'errSecNoDefaultKeychain (-25307)', 'A default keychain could not be found.'],
  ['darwin', 'errSecNoSuchKeychain (-25294)', 'The specified keychain could not be found.'],
  ['win32', 'ERROR_NO_SUCH_LOGON_SESSION (1312), e.g. over ssh', 'A specified logon session does not exist. It may already have been terminated.\r\n'],
];

const REFUSED: Array<[NodeJS.Platform, string, string]> = [
  ['linux', 'gnome-keyring running, login collection locked', 'Cannot create an item in a locked collection'],
  ['linux', 'gnome-keyring running, no login collection yet and no prompter to create one', 'Object does not exist at path “/org/freedesktop/secrets/collection/login”'],
  ['linux', 'keytar built for another Node', "The module '/app/node_modules/keytar/build/Release/keytar.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 127. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`)."],
  ['darwin', 'errSecInteractionNotAllowed (-25308): locked, no UI', 'User interaction is not allowed.'],
  ['darwin', 'errSecAuthFailed (-25293): access denied', 'The user name or passphrase you entered is not correct.'],
  ['darwin', 'userCanceledErr (-128): the operator said no', 'User canceled the operation.'],
  ['win32', 'ERROR_ACCESS_DENIED (5)', 'Access is denied.\r\n'],
  // A Linux "no bus" text on another platform says nothing about that platform's store.
  ['darwin', 'Linux text elsewhere', 'Cannot autolaunch D-Bus without X11 $DISPLAY'],
];

describe('what the keychain answered', () => {
  it.each(ABSENT)('%s: %s means no keychain exists', (platform, _situation, message) => {
    expect(classifyKeychainError(message, platform)).toBe('absent');
  });

  it.each(REFUSED)('%s: %s means a keychain exists and refuses', (platform, _situation, message) => {
    expect(classifyKeychainError(message, platform)).toBe('refused');
  });
});

describe('the session keychain', () => {
  const session = () => new SecretStore(sessionKeychain(), 't', { kind: 'session', reason: 'Cannot autolaunch D-Bus without X11 $DISPLAY' });

  it('says it is memory, and what the system answered instead of a keychain', async () => {
    expect(await session().status()).toEqual({ store: 'session', available: true, detail: 'Cannot autolaunch D-Bus without X11 $DISPLAY' });
    expect(session().where).toMatch(/^memory until the app closes/);
  });

  it('keeps large keys whole, and deleting a connection deletes its secrets', async () => {
    const store = session();
    const key = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(5000)}\n-----END PRIVATE KEY-----\n`;
    await store.set('p', 'clientKey', key);
    await store.set('q', 'password', 'hunter2');
    expect(await store.get('p', 'clientKey')).toBe(key);
    await store.deleteProfile('p');
    expect(await store.get('p', 'clientKey')).toBeNull();
    expect(await store.accounts()).toEqual(['q/password']);
  });

  it('gives each run its own memory: nothing carries over to the next one', async () => {
    await session().set('p', 'password', 'hunter2');
    expect(await session().get('p', 'password')).toBeNull();
  });
});
