import { Body } from '#shared/domain/body.ts';

/**
 * The department body of column `c` on host `h`'s portal at `origin` (`/col<c>/index.html`): id
 * `<prefix><hh>0<c + 1>` (hh: h + 1, two digits), its division `<prefix><hh>00`; `extra` overrides fields.
 */
export function columnBody(
  prefix: string,
  origin: string,
  h: number,
  c: number,
  extra: Partial<Body> = {},
): Body {
  const hh = String(h + 1).padStart(2, '0');
  return Body.parse({
    id: `${prefix}${hh}0${c + 1}`,
    name: `测试${h}县第${c}部门`,
    level: 'department',
    divisionCode: `${prefix}${hh}00`,
    listingUrl: `${origin}/col${c}/index.html`,
    ...extra,
  });
}
