const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * torch's default log directory: `runs/<Mon><DD>_<HH>-<MM>-<SS>_<hostname><comment>` in local time
 * (`datetime.now().strftime("%b%d_%H-%M-%S")`), e.g. `runs/May04_22-14-54_my-laptop` — a new one each run.
 */
export function defaultLogDir(hostname: string, comment = '', date = new Date()): string {
  const twoDigits = (value: number) => String(value).padStart(2, '0');
  const stamp = `${months[date.getMonth()]}${twoDigits(date.getDate())}_${twoDigits(date.getHours())}-${twoDigits(date.getMinutes())}-${twoDigits(date.getSeconds())}`;
  return `runs/${stamp}_${hostname}${comment}`;
}
