/** Static export: the API serves the build at `/`; NEXT_PUBLIC_API_BASE points a standalone deployment at the API. */
const nextConfig = {
  output: 'export',
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  transpilePackages: ['@one-api/contracts'],
};
export default nextConfig;
