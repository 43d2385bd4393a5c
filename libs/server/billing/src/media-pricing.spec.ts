import {
  audioChatQuota,
  AUDIO_CHAT_USD_PER_1M,
  GPT_IMAGE_TOKEN_PRICES,
  imagePriceRule,
  imageQuota,
  imageTokenQuota,
  MediaPriceError,
  rerankSearchQuota,
  rerankTokenQuota,
  speechQuota,
  transcriptionQuota,
  webSearchFeeQuota,
} from './media-pricing';

describe('media pricing', () => {
  it('prices dall-e images as One API does', () => {
    const d2 = imagePriceRule('dall-e-2')!;
    expect(imageQuota(d2, { size: '256x256' }, 1)).toBe(10000);
    expect(imageQuota(d2, { size: '512x512', n: 2 }, 1)).toBe(22500);
    expect(imageQuota(d2, {}, 1)).toBe(12500); // default 1024x1024
    const d3 = imagePriceRule('dall-e-3')!;
    expect(imageQuota(d3, { size: '1024x1024' }, 1)).toBe(20000);
    expect(imageQuota(d3, { size: '1024x1024', quality: 'hd' }, 1)).toBe(40000);
    expect(imageQuota(d3, { size: '1024x1792', quality: 'hd' }, 1)).toBe(60000);
    expect(imageQuota(d3, { size: '1792x1024' }, 0.5)).toBe(20000);
    expect(imagePriceRule('dall-e-3-2024-01-01')).toBe(d3);
  });

  it('refuses sizes and n the model does not offer', () => {
    const d3 = imagePriceRule('dall-e-3')!;
    expect(() => imageQuota(d3, { size: '256x256' }, 1)).toThrow(MediaPriceError);
    expect(() => imageQuota(d3, { n: 2 }, 1)).toThrow(/n must be an integer from 1 to 1/);
  });

  it('holds gpt-image-1 at its list price and settles it from the token buckets', () => {
    const rule = imagePriceRule('gpt-image-1')!;
    expect(imageQuota(rule, { size: '1024x1024', quality: 'low' }, 1)).toBe(5500); // $0.011
    expect(imageQuota(rule, { size: '1536x1024', quality: 'medium' }, 1)).toBe(31500); // $0.063
    expect(imageQuota(rule, { size: '1024x1024', quality: 'high' }, 1)).toBe(83500); // $0.167
    const usage = {
      input_tokens: 50,
      output_tokens: 4160,
      input_tokens_details: { text_tokens: 20, image_tokens: 30, cached_tokens: 25 },
    };
    // text 0 uncached + 20 cached ($1.25), image 25 uncached ($10) + 5 cached ($2.5), output 4160 ($40)
    const usd = (20 * 1.25 + 25 * 10 + 5 * 2.5 + 4160 * 40) / 1e6;
    expect(imageTokenQuota(GPT_IMAGE_TOKEN_PRICES['gpt-image-1'], usage, 1)).toBe(Math.ceil(usd * 500000));
  });

  it('prices speech by characters, transcription by duration', () => {
    expect(speechQuota(15, 'héllo wörld', 1)).toBe(Math.ceil(11 * 7.5)); // 83
    expect(speechQuota(30, 'a', 1)).toBe(15);
    expect(speechQuota(15, '', 1)).toBe(0);
    expect(transcriptionQuota(0.006, 60, 1)).toBe(3000);
    expect(transcriptionQuota(0.006, 0.01, 1)).toBe(1);
    expect(transcriptionQuota(0.003, 30, 2)).toBe(1500);
  });

  it('prices rerank by search unit or token', () => {
    expect(rerankSearchQuota(2, 3, 1)).toBe(3000);
    expect(rerankTokenQuota(0.02, 16050, 1)).toBe(161);
    expect(rerankTokenQuota(0.02, 10, 1)).toBe(1);
  });

  it('adds the web-search fee by context size, medium by default, only for search models', () => {
    expect(webSearchFeeQuota('gpt-4o-search-preview', {}, 1)).toBe(17500);
    expect(
      webSearchFeeQuota('gpt-4o-search-preview', { web_search_options: { search_context_size: 'low' } }, 1),
    ).toBe(15000);
    expect(
      webSearchFeeQuota(
        'gpt-4o-mini-search-preview-2025-03-11',
        { web_search_options: { search_context_size: 'high' } },
        1,
      ),
    ).toBe(15000);
    expect(webSearchFeeQuota('gpt-4o', { web_search_options: {} }, 1)).toBe(0);
  });

  it('prices audio chat tokens apart from text tokens', () => {
    const tokens = {
      promptTokens: 150,
      completionTokens: 60,
      promptAudioTokens: 100,
      completionAudioTokens: 40,
    };
    const usd = (50 * 2.5 + 100 * 40 + 20 * 10 + 40 * 80) / 1e6;
    expect(audioChatQuota(AUDIO_CHAT_USD_PER_1M['gpt-4o-audio-preview'], tokens, 1)).toBe(
      Math.ceil(usd * 500000),
    );
  });
});
