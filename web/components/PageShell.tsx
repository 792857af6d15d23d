import type { ReactNode } from 'react';
import { AppNav } from './AppNav';

/** A page other than the map: the header with the navigation, then the page's own content. */
export function PageShell({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <span className="brand-name">FleetTwin</span>
        </div>
        <AppNav />
      </header>
      <main className={`page${wide ? ' page-wide' : ''}`}>
        <h1 className="page-title">{title}</h1>
        {children}
      </main>
    </div>
  );
}
