// The frame of every page: a skip link, the header with the navigation of the signed-in role
// (from ROUTES), sign-out, and the page in <main>.
import { NavLink, Outlet, useNavigate } from 'react-router';
import { ROUTES } from './routes';
import { useSession } from './session';

export function Layout() {
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const links = user ? ROUTES.filter((r) => r.nav && r.access !== 'public' && r.access.includes(user.role)) : [];

  async function handleSignOut() {
    await signOut().catch(() => undefined);
    void navigate('/sign-in');
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <p className="brand">Runfleet console</p>
        {user && (
          <nav aria-label="Main">
            <ul>
              {links.map((r) => (
                <li key={r.path}>
                  <NavLink to={`/${r.path}`}>{r.nav}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {user && (
          <div className="who">
            <span>
              {user.name} ({user.role})
            </span>
            <button type="button" onClick={handleSignOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
