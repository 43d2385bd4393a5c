'use client';
import { Box, Center, Group, Image, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useStatus } from '../lib/queries';
import { AppControls } from './AppControls';

/** The frame of the signed-out pages: site name and logo, language and theme switches. */
export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  const status = useStatus();
  return (
    <Box mih="100vh" p="md">
      <Group justify="flex-end">
        <AppControls />
      </Group>
      <Center mt="6vh">
        <Stack w="100%" maw={420} gap="md">
          <Group justify="center" gap="sm">
            {status.data?.logo ? <Image src={status.data.logo} alt="" h={36} w="auto" /> : null}
            <Text fw={700} size="xl" data-testid="system-name">
              {status.data?.system_name || 'One API'}
            </Text>
          </Group>
          <Paper withBorder shadow="sm" p="lg" radius="md">
            <Title order={3} mb="md">
              {title}
            </Title>
            {children}
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
