// Who is signed in: `GET /v1/auth/me` once at start and after sign-in/out. The cookie itself is
// HttpOnly, so the console never sees the token; a 401 simply means "nobody" — also on any later
// call, so a session ended elsewhere (a password change, another tab's sign-out) leads to sign-in.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, onSessionEnded } from './api/client';
import type { User } from './api/types';

interface SessionState {
  /** undefined while the first /v1/auth/me is in flight */
  user: User | null | undefined;
  refresh(): Promise<User | null>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      const me = await api.get<User>('/v1/auth/me');
      setUser(me);
      return me;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        setUser(null);
        return null;
      }
      setUser(null);
      throw err;
    }
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.delete('/v1/auth/session');
    } finally {
      setUser(null);
    }
  }, []);

  useEffect(() => {
    refresh().catch(() => undefined);
  }, [refresh]);

  useEffect(() => onSessionEnded(() => setUser(null)), []);

  return <SessionContext.Provider value={{ user, refresh, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in user on a page the router only shows to a signed-in role. */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('useUser on a page shown without a session');
  return user;
}
