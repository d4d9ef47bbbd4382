// Entry point: the router (basename /console, where the gateway serves the build) over ROUTES.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Guard, Home } from './guard';
import { Layout } from './layout';
import { NotFoundPage } from './pages/not-found';
import { ROUTES } from './routes';
import { SessionProvider } from './session';
import './styles.css';

const router = createBrowserRouter(
  [
    {
      path: '/',
      element: <Layout />,
      children: [
        { index: true, element: <Home /> },
        ...ROUTES.map(({ path, page: Page, access }) => ({
          path,
          element: (
            <Guard access={access}>
              <Page />
            </Guard>
          ),
        })),
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ],
  { basename: '/console' },
);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>
  </StrictMode>,
);
