import type { StageContext } from '../stages/context.ts';
import { draftLetter, type Letter, LetterError } from './letter.ts';
import {
  type BuiltPackage,
  buildEvidencePackage,
  type PackageSoftware,
  parseTarget,
} from './package-build.ts';

/**
 * The complaint letter of a finding (`rule/bodyId/year`) with the evidence package it cites (built now,
 * so the hashes quoted are those of the package handed over with it).
 *
 * @throws PackageError for an unknown finding, LetterError for a rule that gets no letter.
 */
export async function letterFor(
  ctx: Pick<StageContext, 'repo' | 'archive' | 'registry' | 'now'>,
  findingId: string,
  software: PackageSoftware,
): Promise<{ letter: Letter; pkg: BuiltPackage }> {
  const target = parseTarget(findingId);
  if (!('findingId' in target))
    throw new LetterError(`"${findingId}": a letter needs a finding (rule/bodyId/year)`);
  const alert = await ctx.repo.getAlert(target.findingId);
  const pkg = await buildEvidencePackage(ctx, target, software);
  // buildEvidencePackage found the alert and its body, or threw.
  const a = alert as NonNullable<typeof alert>;
  const body = ctx.registry.get(a.bodyId) as NonNullable<ReturnType<typeof ctx.registry.get>>;
  const root = pkg.chain.root;
  const letter = draftLetter({
    body,
    year: a.year,
    finding: a.finding,
    reportUrl: a.reportUrl,
    pkg: {
      filename: pkg.filename,
      sha256: pkg.sha256,
      datapackageHash: pkg.datapackageHash,
      root: root
        ? {
            date: root.date,
            root: root.root,
            ...(root.timestamp
              ? { timestampedAt: root.timestamp.genTime, tsaUrl: root.timestamp.tsaUrl }
              : {}),
          }
        : undefined,
    },
  });
  return { letter, pkg };
}
