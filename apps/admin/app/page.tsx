'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { StatusDto, UserDto } from '@one-api/contracts';
import { api } from '../lib/api';

export default function HomePage() {
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: ['status'], queryFn: () => api<StatusDto>('/api/status') });
  const self = useQuery({ queryKey: ['self'], queryFn: () => api<UserDto>('/api/user/self') });
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => api<UserDto>('/api/user/login', { method: 'POST', body: JSON.stringify({ username, password }) }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['self'] }),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };

  return (
    <main style={{ maxWidth: 420, margin: '10vh auto', padding: 24 }}>
      <h1>{status.data?.system_name ?? 'One API'}</h1>
      {self.data ? (
        <p data-testid="signed-in">
          Signed in as <strong>{self.data.display_name || self.data.username}</strong>
        </p>
      ) : (
        <form onSubmit={onSubmit} aria-label="sign in">
          <label style={{ display: 'block', marginBottom: 8 }}>
            Username
            <input value={username} onChange={(e) => setUsername(e.target.value)} name="username" style={{ display: 'block', width: '100%' }} />
          </label>
          <label style={{ display: 'block', marginBottom: 8 }}>
            Password
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} name="password" style={{ display: 'block', width: '100%' }} />
          </label>
          <button type="submit" disabled={login.isPending}>
            Sign in
          </button>
          {login.error ? <p role="alert">{login.error.message}</p> : null}
        </form>
      )}
    </main>
  );
}
