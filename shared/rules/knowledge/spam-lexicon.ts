/**
 * Gambling / porn / SEO vocabulary seen in hijacked government pages. Terms are in simplified Chinese
 * (the rules search a simplified view, so 澳門賭場 is found as 澳门赌场) and lower-case Latin.
 *
 * `strong` terms never occur in a genuine disclosure report: one is enough. `glue` terms are ordinary
 * words that belong to the injected string only when they touch a strong term (体育 in
 * `体育365网投`, 官网 in `365bet官网`); they widen the quoted span, never start one. Words a real
 * report may use (体育彩票, 打击赌博, 棋牌室 整治, the place 金沙县) are deliberately absent.
 */
export const SPAM_STRONG: readonly string[] = [
  '365bet',
  'bet365',
  'bet9',
  'bwin',
  '188bet',
  'dafabet',
  '体育投注',
  '网投',
  '澳门赌场',
  '网上赌场',
  '线上赌场',
  '网络赌场',
  '比分直播',
  '博彩',
  '彩票平台',
  '真人娱乐',
  '真人视讯',
  '百家乐',
  '新葡京',
  '澳门葡京',
  '威尼斯人娱乐',
  '太阳城娱乐',
  '皇冠体育',
  '皇冠足球',
  '亚博体育',
  '必威体育',
  '伟德体育',
  '威廉希尔',
  '足球投注',
  '电竞投注',
  '时时彩',
  '北京赛车pk10',
  '六合彩',
  '老虎机',
  '娱乐城',
  '开户送彩金',
  '注册送彩金',
  '彩金',
  '赌球',
  '外围赌',
  '成人视频',
  '成人影院',
  '色情视频',
  '黄色网站',
  '裸聊',
  '约炮',
  '一夜情',
  '代开发票',
  '办证刻章',
];

/** Widen a strong hit; never a finding on their own. */
export const SPAM_GLUE: readonly string[] = [
  '体育',
  '官网',
  '官方网站',
  '网址',
  '用址',
  '提现说维护',
  '提现',
  '说维护',
  '登录',
  '注册',
  '开户',
  '下载',
  '平台',
  '娱乐',
  '在线',
  '手机版',
  'app',
  '首页',
  '入口',
];

/** ASCII runs (digits, letters, `_`, `-`, `.`) glue too: `365bet365用址_365bet`. */
export const SPAM_ASCII_GLUE = /^[A-Za-z0-9_.-]+/;
