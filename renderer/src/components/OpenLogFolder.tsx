import { useState } from 'react';
import { errorOf, useApi } from '../api.ts';

/** "Open log folder": main shows the folder of kubezt's log files (the page never names a path). */
export function OpenLogFolder() {
  const api = useApi();
  const [problem, setProblem] = useState<string | null>(null);
  const open = async () => {
    setProblem(null);
    try {
      const r = await api.openLogFolder();
      if (!r.opened) setProblem('This kubezt writes no log files.');
    } catch (e) {
      setProblem(errorOf(e).message);
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={() => void open()} title={problem ?? undefined}>
        Open log folder
      </button>
      {problem && (
        <span className="inline-error small" role="alert">
          {problem}
        </span>
      )}
    </>
  );
}
