/** The app's mark (a cracked pane), drawn inline so it needs no font or image request. */
export function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <rect x="2" y="2" width="20" height="20" rx="4" fill="#ff8a65" />
      <path
        d="M12 12 L21 4 M12 12 L21 15.5 M12 12 L8 21 M12 12 L3 9"
        stroke="#ffffff"
        strokeWidth="1.6"
        fill="none"
      />
    </svg>
  );
}
