import { useEffect, useRef } from 'react';

/** A ref whose element takes the focus when it appears and whenever `key` changes (a new question). */
export function useFocusOn<T extends HTMLElement>(key: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [key]);
  return ref;
}
