import { EleventyHtmlBasePlugin } from "@11ty/eleventy";

export default async function (eleventyConfig) {
	eleventyConfig.addPlugin(EleventyHtmlBasePlugin);

	eleventyConfig.addShortcode("image", (src, alt) => `<img src="${src}" alt="${alt}">`);
	eleventyConfig.addPairedShortcode("callout", (content, kind) => `<aside class="callout ${kind}">${content}</aside>`);
}

export const config = {
	templateFormats: ["md", "njk", "html"],
	markdownTemplateEngine: "njk",
	htmlTemplateEngine: "njk",
	dir: {
		input: "content",
		includes: "../_includes",
		data: "../_data",
		output: "_site",
	},
};
