// Counters behind srvr/stat/mntr: packets, request latency and connection totals.

export class ServerStats {
  packetsReceived = 0;
  packetsSent = 0;
  private latencyMinMs = Number.POSITIVE_INFINITY;
  private latencyMaxMs = 0;
  private latencyTotalMs = 0;
  private latencyCount = 0;

  recordReply(latencyMs: number): void {
    this.packetsSent++;
    if (latencyMs < this.latencyMinMs) this.latencyMinMs = latencyMs;
    if (latencyMs > this.latencyMaxMs) this.latencyMaxMs = latencyMs;
    this.latencyTotalMs += latencyMs;
    this.latencyCount++;
  }

  /** Apache prints min and max as whole ms and the average as a double. */
  get latency(): { min: number; avg: number; max: number; count: number } {
    const count = this.latencyCount;
    return {
      min: count === 0 ? 0 : Math.floor(this.latencyMinMs),
      avg: count === 0 ? 0 : this.latencyTotalMs / count,
      max: Math.floor(this.latencyMaxMs),
      count,
    };
  }

  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.latencyMinMs = Number.POSITIVE_INFINITY;
    this.latencyMaxMs = 0;
    this.latencyTotalMs = 0;
    this.latencyCount = 0;
  }
}
