import { ConsoleLogger } from '@nestjs/common';

/** Nest's start-up chatter (every module loaded, every route mapped) hides what matters in a terminal. */
const STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

export class QuietNestLogger extends ConsoleLogger {
  override log(message: unknown, context?: string): void {
    if (context !== undefined && STARTUP_CONTEXTS.has(context)) return;
    super.log(message, context);
  }
}
