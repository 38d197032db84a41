import { displayName, stringClaim, type UserClaims } from '@/lib/session/claims'

/** Sizes as classes, not style attributes: the Content-Security-Policy allows no inline styles. */
const SIZES = {
  small: { box: 'size-7', text: 'text-xs', pixels: 28 },
  large: { box: 'size-18', text: 'text-2xl', pixels: 72 },
} as const

/** The provider's picture when it gave one (an http(s) URL), else initials. */
export function Avatar({ user, size }: { user: UserClaims; size: keyof typeof SIZES }) {
  const { box, text, pixels } = SIZES[size]
  const picture = stringClaim(user, 'picture')
  if (picture && /^https?:\/\//.test(picture)) {
    return (
      // eslint-disable-next-line @next/next/no-img-element -- the picture lives at the provider, not in our image pipeline
      <img
        src={picture}
        alt=""
        width={pixels}
        height={pixels}
        referrerPolicy="no-referrer"
        className={`${box} rounded-full bg-slate-200 object-cover`}
      />
    )
  }
  const initials = displayName(user)
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase()
  return (
    <span
      aria-hidden
      className={`${box} ${text} inline-flex items-center justify-center rounded-full bg-indigo-100 font-semibold text-indigo-700`}
    >
      {initials}
    </span>
  )
}
