import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { SearchAttributeType } from '@temporalio/common';

type IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;
const indexed = proto.temporal.api.enums.v1.IndexedValueType;

/** The proto's name for each SDK search attribute type. */
const indexedTypes: Record<SearchAttributeType, IndexedValueType> = {
  TEXT: indexed.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: indexed.INDEXED_VALUE_TYPE_KEYWORD,
  INT: indexed.INDEXED_VALUE_TYPE_INT,
  DOUBLE: indexed.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: indexed.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: indexed.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: indexed.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** What defineSearchAttributeKey returns. */
interface SearchAttributeKeyOf {
  name: string;
  type: SearchAttributeType;
}

const registered = new WeakMap<Client, Set<string>>();

/**
 * Registers custom search attributes in the client's namespace when missing, so workflows can set
 * them and people can filter on them in the Temporal UI. Idempotent, and cheap after the first
 * call per client: whoever starts a domain's workflows calls it first.
 */
export async function ensureSearchAttributes(client: Client, keys: SearchAttributeKeyOf[]): Promise<void> {
  const done = registered.get(client) ?? new Set<string>();
  registered.set(client, done);
  const wanted = keys.filter((k) => !done.has(k.name));
  if (wanted.length === 0) return;
  const { operatorService } = client.connection;
  const namespace = client.options.namespace;
  const existing = await operatorService.listSearchAttributes({ namespace });
  const known = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = wanted.filter((k) => !known.has(k.name));
  if (missing.length > 0) {
    try {
      await operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((k) => [k.name, indexedTypes[k.type]])),
      });
    } catch (err) {
      // Another starter registered them at the same moment.
      if (!/already exists/i.test((err as Error).message)) throw err;
    }
  }
  for (const k of wanted) done.add(k.name);
}
