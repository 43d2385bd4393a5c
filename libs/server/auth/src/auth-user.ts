/** The signed-in caller of a management route. */
export interface AuthUser {
  id: number;
  username: string;
  role: number;
  status: number;
  group: string;
  /** how the caller proved itself */
  via: 'session' | 'access_token';
}
