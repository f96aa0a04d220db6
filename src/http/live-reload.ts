/** Development live reload: open pages listen on an event stream and reload when content or templates change. */
import type { Express, Request, Response } from "express";
import type { Site } from "../site.js";

const SCRIPT = `(() => {
  const source = new EventSource("/_live/events");
  source.addEventListener("reload", () => location.reload());
})();
`;

/** The tag development pages get before `</body>`. */
export const LIVE_RELOAD_TAG = '<script src="/_live/reload.js" defer></script>';

/** Adds the live-reload script and event stream; each change on the site sends one `reload` event. */
export function liveReloadRoutes(app: Express, site: Site): void {
  const clients = new Set<Response>();
  site.onChange(() => {
    for (const res of clients) res.write("event: reload\ndata: {}\n\n");
  });
  app.get("/_live/reload.js", (_req: Request, res: Response) => {
    res.type("text/javascript").setHeader("Cache-Control", "no-store");
    res.send(SCRIPT);
  });
  app.get("/_live/events", (req: Request, res: Response) => {
    res.writeHead(200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
    });
    res.write(": connected\n\n");
    clients.add(res);
    req.on("close", () => clients.delete(res));
  });
}

/** Adds the live-reload tag to an HTML page. */
export function injectLiveReload(html: string): string {
  const i = html.lastIndexOf("</body>");
  return i < 0 ? html + LIVE_RELOAD_TAG : html.slice(0, i) + LIVE_RELOAD_TAG + html.slice(i);
}
