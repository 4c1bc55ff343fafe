/**
 * All live connections, one `Session` per profile, any number at once.
 */
import type { Profile } from '../../../shared/profiles';
import { AppFailure } from '../../../shared/result';
import type { SessionView } from '../../../shared/sessions';
import { Session, type SessionDeps } from './session';

export class SessionManager {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly deps: SessionDeps) {}

  private session(profile: Profile): Session {
    let session = this.sessions.get(profile.id);
    if (!session) {
      session = new Session(profile, this.deps);
      this.sessions.set(profile.id, session);
    } else {
      session.update(profile);
    }
    return session;
  }

  get(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw new AppFailure('not_found', 'That connection does not exist any more.', 'Reload the connection list.');
    return session;
  }

  connect(profile: Profile): SessionView {
    const session = this.session(profile);
    session.connect();
    return session.view();
  }

  async disconnect(id: string): Promise<SessionView> {
    const session = this.get(id);
    await session.disconnect();
    return session.view();
  }

  /** A saved profile changed: live sessions pick the change up. */
  updated(profile: Profile): void {
    this.sessions.get(profile.id)?.update(profile);
  }

  async remove(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    await session.disconnect('The connection was deleted.');
  }

  list(): SessionView[] {
    return [...this.sessions.values()].map((s) => s.view());
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.disconnect('The application is shutting down.')));
    this.sessions.clear();
  }
}
