import type { UserClaims } from '@/lib/session'
import { displayName, stringClaim } from '@/lib/user'

/** The provider's picture when it gave one (an https or loopback URL), else initials. */
export function Avatar({ user, size }: { user: UserClaims; size: number }) {
  const picture = stringClaim(user, 'picture')
  const safePicture = picture && /^https?:\/\//.test(picture) ? picture : undefined
  if (safePicture) {
    return (
      // A plain <img>: the picture lives at the provider, not in our image pipeline.
      // eslint-disable-next-line @next/next/no-img-element
      <img
        src={safePicture}
        alt=""
        width={size}
        height={size}
        referrerPolicy="no-referrer"
        className="rounded-full bg-slate-200 object-cover"
        style={{ width: size, height: size }}
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
      className="inline-flex items-center justify-center rounded-full bg-indigo-100 font-semibold text-indigo-700"
      style={{ width: size, height: size, fontSize: size * 0.4 }}
    >
      {initials}
    </span>
  )
}
