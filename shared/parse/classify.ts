/** Why a page is not an annual report, or null when it reads like one. */
export function notAReportReason(title: string, text: string): string | null {
  const body = text.replace(/\s+/g, '');
  if (body.length < 200) return `page has too little text to be a report (${body.length} characters)`;
  const reportTitle = /(政府信息公开|政务公开|信息公开).{0,16}(年度报告|年报|工作报告)|(年度报告|年报)$/.test(
    title,
  );
  // Notices about writing reports, work plans and similar documents name the report but are not one.
  const other = /^关于|通知$|的函$|要点$|意见$|方案$|办法$|规定$|指南$|目录$|通报$|公告$|决定$/.test(title);
  if (other) return `title names another kind of document: ${title}`;
  const signals = [
    /主动公开/.test(text),
    /依申请/.test(text),
    /(复议|诉讼)/.test(text),
    /(本年度报告|本报告|本年报|年度报告)/.test(text.slice(0, 2000)),
    /(?<=^|\s)[一二]、/.test(text),
  ].filter(Boolean).length;
  if (reportTitle && signals >= 2) return null;
  if (signals >= 4) return null;
  return reportTitle
    ? 'title reads like a report but the text has no report content (主动公开/依申请/sections)'
    : 'neither the title nor the text reads like a 政府信息公开工作年度报告';
}
