'use client';

import { useId, useMemo, useState } from 'react';
import { idSchema } from '../../twins/telemetry/schema';

const MAX_SUGGESTIONS = 12;

interface VehicleSearchProps {
  /** Ids on the map now; read when the query changes. */
  ids: readonly string[];
  version: number;
  onPick(vehicleId: string): void;
}

/** Find a vehicle by id: suggestions from the map, Enter opens it (even if it is not on the map). */
export function VehicleSearch({ ids, version, onPick }: VehicleSearchProps) {
  const [query, setQuery] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const listId = useId();
  const needle = query.trim().toLowerCase();

  const suggestions = useMemo(() => {
    if (!needle) return [];
    const starts: string[] = [];
    const contains: string[] = [];
    for (const id of ids) {
      const at = id.toLowerCase().indexOf(needle);
      if (at === 0) starts.push(id);
      else if (at > 0) contains.push(id);
    }
    return [...starts.sort(), ...contains.sort()].slice(0, MAX_SUGGESTIONS);
    // `version` is a dependency because the store mutates `ids` in place.
  }, [ids, needle, version]);

  const submit = () => {
    const wanted = query.trim();
    if (!wanted) return;
    const exact = ids.find((id) => id.toLowerCase() === wanted.toLowerCase());
    const pick = exact ?? (suggestions.length === 1 ? suggestions[0] : wanted);
    if (!pick || !idSchema.safeParse(pick).success) {
      setProblem('ids are 1-64 characters of A-Z a-z 0-9 _ -');
      return;
    }
    setProblem(null);
    onPick(pick);
  };

  return (
    <form
      className="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <input
        type="search"
        placeholder="Find a vehicle by id"
        aria-label="vehicle id"
        data-testid="vehicle-search"
        list={listId}
        value={query}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => {
          setQuery(e.target.value);
          setProblem(null);
        }}
      />
      <datalist id={listId}>
        {suggestions.map((id) => (
          <option key={id} value={id} />
        ))}
      </datalist>
      {problem && <span className="search-problem">{problem}</span>}
    </form>
  );
}
