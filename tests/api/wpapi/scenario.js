// A writing app's session against a Samizdat blog, with wpapi (written against WordPress itself).
// Usage: node scenario.js ENDPOINT USERNAME APP_PASSWORD PNG_PATH; prints one JSON object.
const fs = require('fs');
const WPAPI = require('wpapi');

const [endpoint, username, password, pngPath, blogUrl] = process.argv.slice(2);

async function failure(promise) {
  try {
    await promise;
    return null;
  } catch (error) {
    return { code: error.code, status: error.data && error.data.status };
  }
}

(async () => {
  const out = {};
  // Discovery, as apps find a site's API from its address: the Link header, then /wp-json/'s routes.
  const discovered = await WPAPI.discover(blogUrl);
  out.discovered = (await discovered.auth({ username, password }).users().me()).slug;
  const wp = new WPAPI({ endpoint, username, password });
  out.me = (await wp.users().me()).slug;
  const category = await wp.categories().create({ name: 'News' });
  const tag = await wp.tags().create({ name: 'Strike' });
  out.termIds = [category.id, tag.id];
  const created = await wp.posts().create({
    title: 'From wpapi', content: '<p>Hello <strong>world</strong></p>', status: 'publish',
    categories: [category.id], tags: [tag.id],
  });
  out.created = created;
  out.updated = (await wp.posts().id(created.id).update({ title: 'Edited by wpapi' })).title.raw;
  const draft = await wp.posts().create({ title: 'Still a draft', content: 'Later.' });
  out.draftStatus = draft.status;
  const drafts = await wp.posts().status('draft');
  out.drafts = drafts.map((p) => p.title.raw);
  const firstPage = await wp.posts().perPage(1).page(1);
  out.paging = { total: firstPage._paging.total, totalPages: firstPage._paging.totalPages };
  out.page = (await wp.pages().create({ title: 'About us', content: 'Who we are.', status: 'publish' })).link;
  const media = await wp.media().file(fs.readFileSync(pngPath), 'red.png').create({ alt_text: 'A red square' });
  out.media = { type: media.media_type, mime: media.mime_type, alt: media.alt_text, url: media.source_url };
  await wp.posts().id(created.id).update({ featured_media: media.id });
  // _embed as themes and apps ask for it, and _fields as a script trims answers.
  const embedded = (await wp.posts().id(created.id).embed())._embedded;
  out.embedded = {
    author: embedded.author[0].slug,
    media: embedded['wp:featuredmedia'][0].source_url,
    terms: embedded['wp:term'].map((group) => group.map((term) => term.name)),
  };
  out.listEmbedded = (await wp.posts().embed().perPage(5)).map((p) => Object.keys(p._embedded).sort());
  out.fields = await wp.posts().id(created.id).param('_fields', 'id,title.rendered');
  const comment = await wp.comments().create({ post: created.id, content: 'Well done.' });
  out.comment = { status: comment.status, post: comment.post };
  out.comments = (await wp.comments().post(created.id)).map((c) => c.content.rendered);
  out.badPassword = await failure(new WPAPI({ endpoint, username, password: 'abcd efgh ijkl mnop qrst uvwx' }).posts().create({ title: 'x' }));
  out.anonymousCreate = await failure(new WPAPI({ endpoint }).posts().create({ title: 'x' }));
  out.badStatus = await failure(wp.posts().create({ title: 'x', status: 'sideways' }));
  out.deleted = (await wp.posts().id(draft.id).delete({ force: true })).deleted;
  console.log(JSON.stringify(out));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
