/**
 * SCIM filters (RFC 7644 section 3.4.2.2) as SQL: the filter is parsed by scim2-parse-filter, and its
 * tree becomes a WHERE clause over the attributes this server keeps as columns. Attribute names
 * compare without regard to case (RFC 7643 section 2.1); string values compare as each attribute's
 * `caseExact` says (userName, emails and displayName: any case; externalId and id: exactly). Anything
 * else (an attribute kept in no column, an operator a type has none of) is invalidFilter.
 */
import { TwofoldError } from '@twofold/core';
import { type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { type Filter, parse } from 'scim2-parse-filter';
import { page } from './scim-json.js';

/** How one SCIM attribute is read from a row. */
export interface FilterColumn {
  /** The SQL expression (a column, or lower(column) for values compared in any case). */
  readonly sql: Expression<unknown>;
  readonly kind: 'string' | 'boolean';
  /** Values compare in any case: the column expression is lower case, and so is the value. */
  readonly caseInsensitive?: boolean;
  /** A boolean stored inverted (`active` is `disabled = 0`). */
  readonly inverted?: boolean;
}

export type FilterColumns = Readonly<Record<string, FilterColumn>>;

export function invalidFilter(message: string): TwofoldError {
  return new TwofoldError('scim_invalid_filter', message, { scimType: 'invalidFilter' });
}

const maxFilterLength = 2000;

/** Parses `text` into a filter tree (invalidFilter when it is not one). */
export function parseScimFilter(text: string): Filter {
  if (text.length > maxFilterLength) throw invalidFilter(`a filter is at most ${maxFilterLength} characters`);
  try {
    return parse(text);
  } catch (error) {
    throw invalidFilter(`the filter could not be read: ${(error as Error).message.slice(0, 200)}`);
  }
}

function likePattern(value: string, where: 'co' | 'sw' | 'ew'): string {
  const escaped = value.replace(/[\\%_]/g, (c) => `\\${c}`);
  return where === 'co' ? `%${escaped}%` : where === 'sw' ? `${escaped}%` : `%${escaped}`;
}

/**
 * The filter as a WHERE expression. `columns` maps attribute paths (lower case: `username`,
 * `emails.value`) to columns; a value path (`emails[value eq "x"]`) is read as its attribute's
 * sub-attributes (`emails.value`), with `type` and `primary` of the one email always matching.
 */
export function filterExpression<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  filter: Filter,
  columns: FilterColumns,
  depth = 0,
): Expression<SqlBool> {
  if (depth > 20) throw invalidFilter('the filter nests too deeply');
  switch (filter.op) {
    case 'and':
    case 'or': {
      const parts = (filter as { filters: Filter[] }).filters.map((f) =>
        filterExpression(eb, f, columns, depth + 1),
      );
      return filter.op === 'and' ? eb.and(parts) : eb.or(parts);
    }
    case 'not':
      return eb.not(filterExpression(eb, (filter as { filter: Filter }).filter, columns, depth + 1));
    case '[]': {
      const { attrPath, valFilter } = filter as { attrPath: string; valFilter: Filter };
      const prefix = attrPath.toLowerCase();
      const scoped: Record<string, FilterColumn> = {};
      for (const [name, column] of Object.entries(columns)) {
        if (name.startsWith(`${prefix}.`)) scoped[name.slice(prefix.length + 1)] = column;
      }
      if (Object.keys(scoped).length === 0) throw invalidFilter(`'${attrPath}' cannot be filtered here`);
      return filterExpression(eb, valFilter, scoped, depth + 1);
    }
    default:
      return compare(eb, filter as { op: string; attrPath: string; compValue?: unknown }, columns);
  }
}

function compare<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  filter: { op: string; attrPath: string; compValue?: unknown },
  columns: FilterColumns,
): Expression<SqlBool> {
  const name = filter.attrPath
    .toLowerCase()
    .replace(/^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/u, '');
  // `type` and `primary` of a user's one email: it is the primary work email.
  if (name === 'type' || name === 'primary' || name === 'emails.type' || name === 'emails.primary')
    return sql<SqlBool>`1 = 1`;
  const column = columns[name];
  if (!column) throw invalidFilter(`'${filter.attrPath}' cannot be filtered here`);
  const col = column.sql as Expression<string>;
  if (filter.op === 'pr')
    return column.kind === 'string'
      ? eb.and([eb(col, 'is not', null), eb(col, '!=', '')])
      : sql<SqlBool>`1 = 1`;
  const value = filter.compValue;
  if (column.kind === 'boolean') {
    if (typeof value !== 'boolean' || (filter.op !== 'eq' && filter.op !== 'ne'))
      throw invalidFilter(`'${filter.attrPath}' is compared with eq or ne to true or false`);
    const stored = (value !== (column.inverted === true)) !== (filter.op === 'ne') ? 1 : 0;
    return eb(col, '=', stored as never);
  }
  if (typeof value !== 'string') throw invalidFilter(`'${filter.attrPath}' is compared with a string`);
  const text = column.caseInsensitive ? value.normalize('NFC').toLowerCase() : value;
  switch (filter.op) {
    case 'eq':
      return eb(col, '=', text);
    case 'ne':
      return eb.or([eb(col, '!=', text), eb(col, 'is', null)]);
    case 'co':
    case 'sw':
    case 'ew':
      return eb(col, 'like', sql<string>`${likePattern(text, filter.op)} escape '\\'`);
    case 'gt':
      return eb(col, '>', text);
    case 'ge':
      return eb(col, '>=', text);
    case 'lt':
      return eb(col, '<', text);
    case 'le':
      return eb(col, '<=', text);
    default:
      throw invalidFilter(`the operator '${filter.op}' is not supported`);
  }
}

/** A list request: its filter, its window, and whether a group's members are left out. */
export interface ScimListQuery {
  readonly filter?: string | undefined;
  readonly startIndex?: number;
  readonly count?: number;
  readonly excludeMembers?: boolean;
}

/**
 * One page of a SCIM list (RFC 7644 sections 3.4.2.2 and 3.4.2.4): the rows of `from` that the filter
 * keeps, counted in all, and the window asked for (`startIndex` 1-based, `count` at most the page
 * limit). `rows` selects and orders what a resource is made of.
 */
export async function filteredPage<DB, TB extends keyof DB, S, O>(
  from: SelectQueryBuilder<DB, TB, S>,
  query: ScimListQuery,
  columns: FilterColumns,
  rows: (base: SelectQueryBuilder<DB, TB, S>) => SelectQueryBuilder<DB, TB, O>,
): Promise<{ rows: O[]; total: number; startIndex: number }> {
  const { startIndex, count } = page(query.startIndex, query.count);
  const filter = query.filter ? parseScimFilter(query.filter) : undefined;
  const base = filter ? from.where((eb) => filterExpression(eb, filter, columns)) : from;
  const total = (await base
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow()) as unknown as { n: number | string };
  const found =
    count === 0
      ? []
      : await rows(base)
          .limit(count)
          .offset(startIndex - 1)
          .execute();
  return { rows: found as O[], total: Number(total.n), startIndex };
}
