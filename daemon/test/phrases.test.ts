// The daemon's texts in both languages (contracts/phrases): the same keys
// and placeholders, no English left in Chinese, 告警 (never 报警) for an
// alarm (the UI's own catalog is checked in web-ui/test/i18n.test.ts), and
// rendering that nests, lists and keeps the English as it was.
import t from 'tap';
import { en } from '../src/contracts/phrases/en.js';
import { english, phrase, phraseList, renderPhrase, statePhrase } from '../src/contracts/phrases/index.js';
import { zhCN } from '../src/contracts/phrases/zh-CN.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();

t.test('both phrasebooks: the same keys, the same placeholders, nothing empty', async (t) => {
  t.same(Object.keys(zhCN).sort(), Object.keys(en).sort());
  const keys = Object.keys(en) as Array<keyof typeof en>;
  t.same(keys.filter((k) => placeholders(en[k]) !== placeholders(zhCN[k])), [], 'placeholders per key');
  t.same(keys.filter((k) => !en[k].trim() || !zhCN[k].trim()), [], 'no empty text');
});

t.test('Chinese texts: no English sentence left, 告警 for an alarm', async (t) => {
  // Words that may stay Latin in Chinese: product and protocol names, codes a technician types.
  const allowed = /\b(FreeSWITCH|HEARTBEAT|SIM|PIN|PUK|GSM|USSD|SMS|MQTT|TLS|CSRF|JSON|HTTP|TP-ST|dBm|STATUS|ACK|Callpoint|uplink\.brokers|freeswitch\.password|lines\.smsCommands\.allowFrom|callpoint gsm pin|A-20261125-3)\b/g;
  const english = Object.entries(zhCN).filter(([, v]) => /[A-Za-z]{3,}(\s+[A-Za-z]{2,}){1,}/.test(v.replace(/\{\w+\}/g, '').replace(allowed, '')));
  t.same(english, [], 'no run of English words in a Chinese text');
  t.same(Object.entries(zhCN).filter(([, v]) => v.includes('报警')), [], '告警, not 报警');
});

t.test('rendering: nested phrases, lists, parameters as given', async (t) => {
  const where = phrase('where.point', { point: 'km1-2', label: 'SOS km 1.2', input: 'in1' });
  const stuck = phrase('fault.hardware.stuck', { where });
  t.equal(english(stuck), 'call point km1-2 "SOS km 1.2" (input in1): button held down too long (stuck, or jammed)', 'the English the fault detail always had');
  t.equal(renderPhrase(stuck, 'zh-CN'), '紧急呼叫点 km1-2“SOS km 1.2”（输入 in1）：按钮按下时间过长（卡住或被压住）');
  const list = phraseList([phrase('selfTest.delivered', { seconds: 2 }), phrase('selfTest.lineAnswered')]);
  t.equal(english(list), "central's broker took the test alarm after 2 s; the test line answered");
  t.equal(renderPhrase(list, 'zh-CN'), '中心的 MQTT 代理在 2 秒后收到了测试告警；测试线路已应答', 'a list joined the Chinese way');
  t.equal(renderPhrase(phrase('sms.late', { alarm: 'A-20261125-1', state: statePhrase('acknowledged') }), 'zh-CN'), '未发送：模块可发送时，告警 A-20261125-1 的状态已是“已确认”');
  t.equal(renderPhrase({ key: 'from.a.newer.daemon', params: {} }, 'zh-CN'), 'from.a.newer.daemon', 'an unknown key shows as itself');
  t.equal(renderPhrase(phrase('fault.self-test.missed', { at: '2026-11-25T06:00:00.000Z' }), 'en', (name, v) => (name === 'at' ? `<${v}>` : undefined)), 'the periodic self-test was missed (last one <2026-11-25T06:00:00.000Z>); the daemon was probably down', 'the reader may format a parameter (a time in local time)');
});
