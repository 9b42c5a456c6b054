export type ServiceState = 'healthy' | 'starting' | 'unhealthy' | 'stopped';

export interface ServiceStatus {
  readonly name: string;
  readonly state: ServiceState;
  /** Where clients reach it. */
  readonly endpoint: string;
  readonly detail: string;
  readonly pid?: number;
  readonly logFile?: string;
}

export interface UpResult extends ServiceStatus {
  /** False when a healthy instance was already running and was reused. */
  readonly started: boolean;
}

/** One service of the local stack; `down` touches only what `up` started. */
export interface StackService {
  readonly name: string;
  /** Checks what `up` would need (free ports, a Java runtime) without starting anything. */
  preflight(): Promise<void>;
  up(log: (line: string) => void): Promise<UpResult>;
  down(): Promise<{ stopped: boolean; pid?: number }>;
  status(): Promise<ServiceStatus>;
}
