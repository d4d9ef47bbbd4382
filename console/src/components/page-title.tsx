// Each page names itself in the browser tab (and for screen readers moving between pages).
import { useEffect } from 'react';

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Runfleet console`;
  }, [title]);
}
