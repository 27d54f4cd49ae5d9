// The controller's public surface: what the embedded launcher, the tests and main.ts use.
export { createController, controllerFieldManager, type Controller, type ControllerOptions } from './controller.ts';
export { clusterFinalizer } from './finalizers.ts';
export { consoleLogger, silentLogger, type Logger } from './logger.ts';
