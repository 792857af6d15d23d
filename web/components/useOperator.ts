'use client';

import { useEffect, useState } from 'react';

const KEY = 'fleettwin.operator';

/** The name approvals and signals are recorded under; remembered by this browser. */
export function useOperator(): [string, (name: string) => void] {
  const [name, setName] = useState('operator');
  useEffect(() => {
    const saved = window.localStorage.getItem(KEY);
    if (saved) setName(saved);
  }, []);
  return [
    name,
    (next: string) => {
      setName(next);
      window.localStorage.setItem(KEY, next);
    },
  ];
}
