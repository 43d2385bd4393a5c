/** The signed-in caller of a management route. */
export interface AuthUser {
  id: number;
  username: string;
  role: number;
  status: number;
  group: string;
  /** how the caller proved itself */
  via: 'session' | 'access_token';
  /** root still has the seeded password: the API asks for a change (and sessions are held to it) */
  passwordChangeRequired?: boolean;
}
