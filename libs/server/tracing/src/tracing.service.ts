import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  Context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
  Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { AppConfig } from '@one-api/server-config';
import { readAppVersion } from '@one-api/server-options';

function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    out[decodeURIComponent(part.slice(0, i).trim())] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

/**
 * OpenTelemetry tracing with an OTLP/HTTP exporter configured from the standard OTEL_* variables (read through
 * AppConfig). The provider belongs to this app instance (not registered globally), and contexts are passed
 * explicitly, so several app instances in one process (tests) keep their spans apart. Without an endpoint no
 * span is created, but every request still gets a trace id for the logs and the traces table.
 */
@Injectable()
export class TracingService implements OnApplicationShutdown {
  private readonly logger = new Logger('Tracing');
  private readonly provider?: BasicTracerProvider;
  private readonly tracer?: Tracer;
  private readonly propagator = new W3CTraceContextPropagator();
  readonly exportUrl?: string;

  constructor(config: AppConfig) {
    const url =
      config.otelExporterOtlpTracesEndpoint ||
      (config.otelExporterOtlpEndpoint
        ? `${config.otelExporterOtlpEndpoint.replace(/\/+$/, '')}/v1/traces`
        : '');
    const enabled = !config.otelSdkDisabled && (config.otelEnabled || !!url);
    if (!enabled) return;
    this.exportUrl = url || 'http://localhost:4318/v1/traces';
    const exporter = new OTLPTraceExporter({
      url: this.exportUrl,
      headers: parsePairs(config.otelExporterOtlpHeaders),
    });
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        ...parsePairs(config.otelResourceAttributes),
        [ATTR_SERVICE_NAME]: config.otelServiceName,
        [ATTR_SERVICE_VERSION]: readAppVersion(),
      }),
      spanProcessors: [
        new BatchSpanProcessor(exporter, { scheduledDelayMillis: config.otelBspScheduleDelay }),
      ],
    });
    this.tracer = this.provider.getTracer('one-api');
    this.logger.log(`exporting spans to ${this.exportUrl}`);
  }

  get enabled(): boolean {
    return !!this.tracer;
  }

  /** The caller's trace context (W3C traceparent header), or the root context. */
  extract(headers: Record<string, string | string[] | undefined>): Context {
    return this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  }

  startSpan(
    name: string,
    parent: Context,
    options: {
      kind?: SpanKind;
      attributes?: Record<string, string | number | boolean>;
      startTime?: number;
    } = {},
  ): Span | undefined {
    return this.tracer?.startSpan(
      name,
      {
        kind: options.kind ?? SpanKind.INTERNAL,
        attributes: options.attributes,
        startTime: options.startTime,
      },
      parent,
    );
  }

  contextWith(span: Span | undefined, parent: Context = ROOT_CONTEXT): Context {
    return span ? trace.setSpan(parent, span) : parent;
  }

  /** The trace id to record: the span's, the caller's, or a fresh random one. */
  traceIdOf(span: Span | undefined, parent: Context): string {
    const id = span?.spanContext().traceId ?? trace.getSpanContext(parent)?.traceId;
    // randomUUID draws from Node's pooled entropy (randomBytes makes a call per request); 122 random bits suffice.
    return id && !/^0+$/.test(id) ? id : randomUUID().replace(/-/g, '');
  }

  static fail(span: Span | undefined, message: string): void {
    span?.setStatus({ code: SpanStatusCode.ERROR, message });
  }

  /** Pushes every finished span to the collector (also done at shutdown). */
  async flush(): Promise<void> {
    await this.provider?.forceFlush();
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.provider?.shutdown();
    } catch (error) {
      this.logger.warn(`span export at shutdown failed: ${(error as Error).message}`);
    }
  }
}
