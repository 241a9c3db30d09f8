// #/walk-test: the walk test itself; #/walk-test/report/<id>: a report to print.
import { useEffect, useState } from 'preact/hooks';
import type { Role, Subscribe } from '../types';
import { WalkReport } from './WalkReport';
import { WalkTest } from './WalkTest';

const reportOf = () => /^#\/walk-test\/report\/(\d+)/.exec(location.hash)?.[1];

export function WalkPages(p: { role: Role; subscribe: Subscribe; streamEpoch: number }) {
  const [report, setReport] = useState(reportOf);
  useEffect(() => {
    const update = () => setReport(reportOf());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return report ? <WalkReport id={Number(report)} /> : <WalkTest {...p} />;
}
