export * from './java-runtime';
export * from './kafka-probe';
export * from './local-stack';
export * from './ports';
export * from './project-root';
export * from './stack-layout';
export * from './stack-service';
export * from './stack.errors';
