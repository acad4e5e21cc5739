import type { StageContext } from '../stages/context.ts';

/** What the read model needs of a runtime: the registry, the table, the archive and the date. */
export type ReadContext = Pick<StageContext, 'registry' | 'repo' | 'archive' | 'today'>;

/** Asked for a body, year or report that is not there: the API answers 404 with this message. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}
