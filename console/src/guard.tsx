// Shows a page only to the roles its route allows: no session → sign-in (then back here);
// another role → that role's home. The API checks every call anyway; this only keeps the
// console from showing pages that would answer 403.
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { Role } from './api/types';
import { Progress } from './components/progress';
import { homePath } from './routes';
import { useSession } from './session';

export function Guard({ access, children }: { access: 'public' | readonly Role[]; children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (access === 'public') return <>{children}</>;
  if (user === undefined) return <Progress label="Loading your session" />;
  if (user === null) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  if (!access.includes(user.role)) return <Navigate to={homePath(user.role)} replace />;
  return <>{children}</>;
}

/** `/console/` itself: the role's home, or sign-in. */
export function Home() {
  const { user } = useSession();
  if (user === undefined) return <Progress label="Loading your session" />;
  return <Navigate to={user ? homePath(user.role) : '/sign-in'} replace />;
}
