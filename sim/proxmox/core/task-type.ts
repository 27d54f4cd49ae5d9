/** The worker task types the simulator runs (the `<type>` field of a UPID). */
export const TaskType = {
  clone: 'qmclone',
  config: 'qmconfig',
  resize: 'resize',
  start: 'qmstart',
  stop: 'qmstop',
  shutdown: 'qmshutdown',
  reboot: 'qmreboot',
  resume: 'qmresume',
  destroy: 'qmdestroy',
  migrate: 'qmigrate',
} as const;
/** One of {@link TaskType}. */
export type TaskType = (typeof TaskType)[keyof typeof TaskType];
