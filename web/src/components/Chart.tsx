import { useEffect, useRef } from "react";

/** Mounts what Observable Plot draws (an SVG with its aria-label) and draws again when its input changes. */
export function Chart({ draw }: { draw: () => Element }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = draw();
    ref.current?.replaceChildren(element);
    return () => element.remove();
  }, [draw]);
  return <div ref={ref} className="chart" />;
}
