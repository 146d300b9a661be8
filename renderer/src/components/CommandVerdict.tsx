import type { CommandChoiceDTO } from '../../../contract/contract.ts';

/** A Commands-mode result in words: the phrase taken and how sure the engine was, or the closest one it refused. */
export function CommandVerdict({ command }: { command: CommandChoiceDTO }) {
  const percent = `${(command.confidence * 100).toFixed(0)}%`;
  return (
    <p className={command.accepted ? 'command' : 'command error'} data-testid="command-choice" data-accepted={String(command.accepted)} data-confidence={command.confidence.toFixed(2)}>
      {command.accepted
        ? `Command: "${command.phrase}" · confidence ${percent}`
        : `No command recognised: the closest, "${command.phrase}", had confidence ${percent}`}
    </p>
  );
}
