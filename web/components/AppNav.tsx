'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const pages = [
  { href: '/', label: 'Map' },
  { href: '/ota', label: 'OTA campaigns' },
  { href: '/workorders', label: 'Work orders' },
  { href: '/kpis', label: 'KPIs' },
  { href: '/sim', label: 'Simulator' },
  { href: '/whatif', label: 'What-if' },
];

/** The links between the app's pages, in every page's header. */
export function AppNav() {
  const path = usePathname();
  return (
    <nav className="app-nav" aria-label="pages">
      {pages.map((page) => {
        const current = page.href === '/' ? path === '/' : path.startsWith(page.href);
        return (
          <Link key={page.href} href={page.href} className={current ? 'app-nav-current' : undefined} aria-current={current ? 'page' : undefined}>
            {page.label}
          </Link>
        );
      })}
    </nav>
  );
}
