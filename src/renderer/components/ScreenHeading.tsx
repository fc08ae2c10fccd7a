import { useEffect, useRef, type ReactNode } from 'react';

/** A screen's h1; it takes the focus when the screen appears, so keyboard and screen-reader users start at the top. */
export function ScreenHeading({ children }: { children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus({ preventScroll: false });
  }, []);
  return (
    <h1 ref={heading} tabIndex={-1} className="screen-heading">
      {children}
    </h1>
  );
}
