import type { Route, Router } from '../../world/router';

/**
 * Remembers routes between node pairs: a what-if fleet drives legs between the same nodes for
 * weeks, and A* would otherwise be the largest share of a run. Routes are never changed after they
 * are made, so sharing them is safe; the oldest entries go once `capacity` is reached.
 */
export function cachedRouter(router: Router, capacity = 50_000): Router {
  const cache = new Map<string, Route | undefined>();
  return {
    route(from, to) {
      const key = `${from}>${to}`;
      if (cache.has(key)) return cache.get(key);
      const route = router.route(from, to);
      if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
      cache.set(key, route);
      return route;
    },
  };
}
