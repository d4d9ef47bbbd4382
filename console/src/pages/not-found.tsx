import { Link } from 'react-router';
import { usePageTitle } from '../components/page-title';

export function NotFoundPage() {
  usePageTitle('Not found');
  return (
    <>
      <h1>Not found</h1>
      <p>
        There is no such page. <Link to="/">Go to the start page</Link>.
      </p>
    </>
  );
}
