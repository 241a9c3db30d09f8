// The desk endpoints (daemon/src/api/routes/desk.ts): the queues and agents,
// and an agent's own actions (the API decides who may act for whom).
import { request } from '../api';
import type { AgentView, DeskView } from '../types';

export type AgentAction = 'login' | 'logout' | 'pause' | 'resume';

export const getDesk = () => request<DeskView>('GET', '/api/desk');
export const agentAct = (extension: string, action: AgentAction, reason?: string) =>
  request<AgentView>('POST', `/api/desk/agents/${encodeURIComponent(extension)}/${action}`, action === 'pause' ? { body: { reason } } : {});
