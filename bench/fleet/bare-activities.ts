// The baseline's only activity: returns at once, so what is measured is Temporal's own cost.

/** Activities of the bare-Temporal baseline worker. */
export const bareActivities = {
  noop(): Promise<void> {
    return Promise.resolve();
  },
};
