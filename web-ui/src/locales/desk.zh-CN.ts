// 调度台大屏（#/desk）的中文文本（键与 desk.en.ts 完全相同）。
import type { DeskMessages } from './desk.en';

const zhCN: DeskMessages = {
  title: '调度台',
  loading: '正在加载…',
  notRunning: '本设备未配置 ACD 队列。',
  englishNote: '设备给出的原始说明（英文）',
  bigOn: '大屏模式',
  bigOff: '退出大屏',
  noFigures: '今日统计（已接听、放弃、平均等待）暂未记录。',

  'queue.waiting': '{count} 个等待',
  'queue.none': '无人等待。',
  'queue.agents': '坐席',
  'queue.noAgents': '没有坐席服务此队列。',

  'col.position': '序号',
  'col.caller': '主叫',
  'col.zone': '区域',
  'col.waited': '已等待',
  'col.why': '排位原因',
  'col.now': '当前',
  'col.agent': '坐席',
  'col.state': '状态',
  'col.since': '起始',
  'col.actions': '操作',

  unknownCaller: '未知号码',
  emergency: '紧急',
  vip: 'VIP',
  ringing: '正在振铃：{phones}',

  'why.emergency': '紧急呼叫：排在所有呼叫之前',
  'why.vip': 'VIP',
  'why.zoneCovered': '区域 {zone}：坐席 {agents} 负责',
  'why.zoneUncovered': '区域 {zone}：没有空闲坐席负责',
  'why.waiting': '已等待 {seconds} 秒',
  'why.noAgent': '没有空闲坐席',
  'why.skill': '等待具备技能 {skill} 的坐席',

  'state.available': '空闲',
  'state.paused': '暂停',
  'state.wrap-up': '话后整理',
  'state.busy': '忙',
  'state.logged-out': '已签出',
  pausedFor: '暂停：{reason}',
  wrapUpUntil: '至 {time}',
  onCall: '通话中',

  'act.login': '签入',
  'act.logout': '签出',
  'act.pause': '暂停',
  'act.resume': '恢复',
  'act.reason': '暂停原因',
  'act.reasonMissing': '请说明暂停原因（休息、现场巡查……）。',
  'act.done': '坐席 {extension}：{state}。',
};

export default zhCN;
