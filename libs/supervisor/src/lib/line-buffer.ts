/** The last `capacity` lines of a process's output, oldest first. */
export class LineBuffer {
  private readonly lines: string[] = [];

  constructor(private readonly capacity = 200) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  toArray(): string[] {
    return [...this.lines];
  }

  toString(): string {
    return this.lines.join('\n');
  }
}
